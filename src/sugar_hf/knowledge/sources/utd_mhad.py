"""Hand-written descriptions, UTD-MHAD (27 classes; most are performed with the right arm)."""

SOURCE = r"""
@ right arm swipe to the left
syn: swipe left | right hand swipe leftward | sweep right arm to the left
head: faces forward, still
hands: the right hand is open with the palm facing left
arms: the right arm, raised to chest height, sweeps horizontally from the right side across the body to the left
hips: stay still
legs: stand still
feet: stay planted
vis: the open right hand moves across the front of the chest from right to left
vis: the left arm hangs at the side
vis: the hand holds nothing
vis: the body stays upright and only the right arm moves

@ right arm swipe to the right
syn: swipe right | right hand swipe rightward | sweep right arm to the right
head: faces forward, still
hands: the right hand is open with the palm facing right
arms: the right arm starts in front of the left shoulder and sweeps horizontally out to the right
hips: stay still
legs: stand still
feet: stay planted
vis: the open right hand moves across the chest from left to right
vis: the left arm hangs at the side
vis: the hand holds nothing
vis: the direction of the sweep is outward, away from the body's midline

@ right hand wave
syn: wave with the right hand | waving | hello wave
head: faces forward
hands: the right palm faces forward and swings side to side
arms: the right forearm is raised vertically and rocks left and right from the elbow
hips: stay still
legs: stand still
feet: stay planted
vis: the right hand is raised near the head, palm out
vis: the hand swings side to side repeatedly
vis: the left arm hangs relaxed
vis: no object is held

@ two hand front clap
syn: clap | clapping in front | applaud with both hands
head: faces forward
hands: both palms strike together in front of the chest
arms: the forearms move toward and away from each other repeatedly
hips: stay still
legs: stand still
feet: stay planted
vis: both hands meet palm to palm in front of the body
vis: the claps are repeated in a steady rhythm
vis: the elbows are bent and the hands are at chest height
vis: the hands are empty

@ right arm throw
syn: throw with the right arm | overhand throw | toss with the right hand
head: faces forward toward the target
hands: the right hand closes as if holding a ball, then opens at release
arms: the right arm cocks back behind the shoulder and whips forward overhead
hips: rotate to the left with the throw
legs: the left leg may step forward
feet: weight moves onto the front foot
vis: the right hand is drawn back behind the head
vis: the arm extends forward and down at release
vis: the trunk twists toward the throw
vis: the left arm swings back for balance

@ cross arms in the chest
syn: cross arms over the chest | fold arms | arms crossed
head: faces forward
hands: rest on the opposite upper arms
arms: both forearms fold across the chest and hold
hips: stay still
legs: stand still
feet: stay planted
vis: the forearms cross over the chest
vis: the hands tuck against the opposite arms
vis: the pose is held still
vis: no object is held

@ basketball shoot
syn: shoot a basketball | jump shot | basketball shot
head: looks up toward the hoop
hands: both hands hold a ball above the forehead; the right hand pushes it off
arms: bend and then extend upward and forward, ending with the wrists flicked down
hips: rise with the body
legs: bend and straighten, sometimes with a small jump
feet: push off the floor
vis: the hands are held above the head as if holding a ball
vis: the arms extend upward toward a high target
vis: the knees bend before the release
vis: the wrists snap forward at the end

@ right hand draw x
syn: draw an X | draw a cross in the air | make an X with the right hand
head: faces forward
hands: the right index finger or hand points forward
arms: the right arm draws one diagonal stroke from top left to bottom right, then the other from top right to bottom left
hips: stay still
legs: stand still
feet: stay planted
vis: the right hand traces two crossing diagonal lines in the air in front of the chest
vis: the strokes are straight and sharp
vis: the left arm hangs still
vis: the hand holds nothing

@ right hand draw circle (clockwise)
syn: draw a clockwise circle | circle in the air clockwise | trace a circle
head: faces forward
hands: the right hand points forward
arms: the right arm traces a large circle in the air moving clockwise as seen by the person
hips: stay still
legs: stand still
feet: stay planted
vis: the right hand moves in a large round path in front of the body
vis: the circle goes up on the left and down on the right, clockwise
vis: the left arm hangs still
vis: the hand holds nothing

@ right hand draw circle (counter clockwise)
syn: draw a counterclockwise circle | circle in the air anticlockwise | trace a reverse circle
head: faces forward
hands: the right hand points forward
arms: the right arm traces a large circle in the air moving counterclockwise as seen by the person
hips: stay still
legs: stand still
feet: stay planted
vis: the right hand moves in a large round path in front of the body
vis: the circle goes up on the right and down on the left, counterclockwise
vis: the left arm hangs still
vis: the hand holds nothing

@ draw triangle
syn: draw a triangle in the air | trace a triangle | triangle gesture
head: faces forward
hands: the right hand points forward
arms: the right arm draws three straight strokes in the air forming a triangle with a point at the top
hips: stay still
legs: stand still
feet: stay planted
vis: the right hand traces three straight lines with two sharp corners at the bottom and one at the top
vis: the figure is drawn in front of the chest
vis: the left arm hangs still
vis: the hand holds nothing

@ bowling (right hand)
syn: bowl a ball | bowling throw | underhand roll
head: looks down the lane ahead
hands: the right hand holds a heavy ball at the bottom of the swing and releases it near the floor
arms: the right arm swings back behind the body and then forward low, like a pendulum
hips: lower as the body lunges
legs: the left leg steps forward into a deep lunge
feet: the front foot slides forward, the back foot trails
vis: the right arm swings low past the knee with the palm forward
vis: the body lowers into a lunge at release
vis: the left arm stretches out for balance
vis: the release is underhand, close to the floor

@ front boxing
syn: boxing | punching forward | jab and cross
head: faces forward, chin tucked
hands: both hands are closed into fists
arms: the arms punch straight forward alternately and pull back to the chin
hips: rotate slightly with each punch
legs: slightly bent in a fighting stance
feet: one foot ahead of the other
vis: the fists are held up by the chin between punches
vis: the arms extend straight forward alternately
vis: no other person is hit
vis: the stance is staggered with bent knees

@ baseball swing from right
syn: baseball swing | bat swing | swing a bat
head: watches the imagined ball over the left shoulder
hands: both hands grip a bat together near the right shoulder
arms: the arms swing horizontally from behind the right shoulder across the body to the left
hips: rotate strongly from right to left
legs: the front leg strides forward
feet: the back foot pivots on its toes
vis: both hands hold a bat-like grip together near the right shoulder
vis: the arms sweep in a flat arc across the body
vis: the trunk rotates through the swing
vis: the swing ends over the left shoulder

@ tennis right hand forehand swing
syn: forehand | tennis forehand | forehand stroke
head: follows the imagined ball
hands: the right hand grips a racket handle
arms: the right arm swings back on the right side and then forward across the body to the left shoulder
hips: rotate from right to left
legs: step into the stroke
feet: weight shifts to the front foot
vis: the right hand holds a racket-like grip at the side
vis: the arm sweeps forward from the right side across the body
vis: the trunk rotates with the swing
vis: the left arm points forward for balance

@ arm curl (two arms)
syn: biceps curl | curl both arms | dumbbell curl
head: faces forward
hands: both hands are closed as if gripping weights, palms up
arms: both forearms bend up from the elbows to the shoulders and lower again, the upper arms staying still at the sides
hips: stay still
legs: stand still
feet: stay planted
vis: both fists rise from the thighs to the shoulders together
vis: the elbows stay pinned at the sides
vis: the movement is repeated slowly
vis: the trunk stays upright

@ tennis serve
syn: serve | overhead serve | tennis service
head: looks up at the imagined ball
hands: the left hand tosses upward; the right hand grips a racket
arms: the left arm lifts to toss, the right arm loops behind the head and swings up and over
hips: arch and then drive forward
legs: bend and then extend upward
feet: push up onto the toes
vis: the left arm is raised high after the toss
vis: the right arm swings over the head and down in front
vis: the back arches before the hit
vis: the body rises onto the toes

@ two hand push
syn: push with both hands | push forward | double hand push
head: faces forward
hands: both palms face forward, fingers up
arms: both arms push straight forward from the chest and draw back
hips: stay still or lean slightly forward
legs: stand still
feet: stay planted
vis: both open palms move forward together at chest height
vis: the arms straighten fully in front of the body
vis: no person or object is touched
vis: the elbows bend again as the hands return

@ right hand knock on door
syn: knock on a door | knocking | rap with the knuckles
head: faces forward
hands: the right hand forms a loose fist with the knuckles forward
arms: the right forearm taps forward and back from the elbow several times at face height
hips: stay still
legs: stand still
feet: stay planted
vis: the right fist makes short repeated forward taps
vis: the hand is held at head height in front of the body
vis: the left arm hangs still
vis: the knuckles lead each tap

@ right hand catch an object
syn: catch | catching with the right hand | grab an object in the air
head: follows the incoming object
hands: the right hand opens wide and closes quickly
arms: the right arm reaches up and forward, then pulls back toward the body
hips: stay still
legs: stand still, knees soft
feet: stay planted
vis: the open right hand reaches toward an object in the air
vis: the fingers close at the catch
vis: the hand pulls back toward the chest after the catch
vis: the gaze tracks the object

@ right hand pick up and throw
syn: pick up and throw | grab from the floor and toss | pick and throw
head: looks down at the floor, then forward
hands: the right hand picks an object off the floor and releases it in a throw
arms: the right arm reaches down to the floor, then swings back and forward to throw
hips: bend forward, then rotate with the throw
legs: bend to reach down, then straighten and step
feet: weight moves forward at the throw
vis: the right hand reaches to the floor and closes on an object
vis: the body rises and the arm swings back
vis: the arm extends forward and the hand opens
vis: two phases: bending down, then throwing

@ jogging in place
syn: jog on the spot | running in place | stationary jog
head: bobs up and down, facing forward
hands: loosely closed
arms: bent and pumping forward and backward
hips: bounce with each step
legs: the knees lift alternately in a jogging rhythm
feet: leave the floor alternately without traveling
vis: the knees lift alternately while the body stays in place
vis: the bent arms pump in rhythm
vis: both feet leave the floor briefly
vis: the body bounces with each step

@ walking in place
syn: march on the spot | walk on the spot | stationary walking
head: faces forward, steady
hands: loose
arms: swing gently in opposition to the legs
hips: shift slightly from side to side
legs: lift alternately with slight knee bends
feet: one foot always stays on the floor as the other lifts
vis: the legs step alternately without moving forward
vis: the arms swing gently at the sides
vis: there is no bounce, one foot stays down
vis: the trunk stays upright

@ sit to stand
syn: stand up from a chair | rise to standing | get up
head: leans forward, then rises upright
hands: push on the thighs or seat
arms: press down, then hang at the sides
hips: lift off the seat, forward and up
legs: straighten from bent to straight
feet: press into the floor
vis: the start is seated and the end is standing
vis: the trunk leans forward as the hips leave the seat
vis: the hands may press on the knees
vis: the final posture is fully upright

@ stand to sit
syn: sit down on a chair | lower to sitting | sit
head: moves forward and down, then settles upright
hands: reach back toward the seat or rest on the thighs
arms: move back slightly for balance
hips: move back and down onto the seat
legs: bend from straight to about ninety degrees
feet: stay planted in front of the seat
vis: the start is standing and the end is seated
vis: the hips descend onto a chair behind the body
vis: the hands touch the seat or thighs
vis: the final posture has bent knees and a vertical trunk

@ forward lunge (left foot forward)
syn: lunge | left leg lunge | step forward into a lunge
head: faces forward
hands: rest on the hips or hang
arms: stay at the sides or on the hips
hips: drop straight down between the feet, then rise
legs: the left leg steps forward and bends to ninety degrees while the right knee lowers toward the floor
feet: the left foot lands forward flat; the right foot stays back on its toes
vis: the left foot is far ahead of the right foot
vis: the front knee is bent at a right angle
vis: the back knee approaches the floor
vis: the trunk stays upright over the hips

@ squat (two arms stretch out)
syn: squat with arms forward | bodyweight squat | deep knee bend
head: faces forward
hands: open, palms down
arms: both arms stretch straight forward at shoulder height and stay there
hips: move back and down below knee level, then rise
legs: bend deeply at the knees and straighten again
feet: stay flat, shoulder width apart
vis: both arms are held straight forward while the body lowers
vis: the hips drop back and down
vis: the heels stay on the floor
vis: the movement goes down and up again
"""
