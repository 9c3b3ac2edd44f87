"""Hand-written descriptions, NTU RGB+D classes A001-A040 (source of ``descriptions/ntu120.jsonl``)."""

SOURCE = r"""
@ drink water
syn: drinking water | taking a sip | drinking from a cup or bottle
head: tilts back slightly as the rim reaches the lips and stays tipped while swallowing
hands: one hand grips a cup or bottle around its body and tips it toward the mouth
arms: the elbow bends sharply and lifts the forearm until the hand is at the mouth, then lowers it
hips: stay level and still
legs: stand straight or stay bent on a seat without moving
feet: rest flat on the floor
vis: the hand holds an upright cup, glass or bottle, not food
vis: the rim of the cup touches the lower lip while the container is tilted up
vis: the fingers wrap around a cylindrical container at the height of the chin
vis: the person stands or sits upright with the head tipped back while swallowing
vis: only one hand is raised; the other arm hangs relaxed

@ eat meal/snack
syn: eating | having a snack | eating a meal | putting food in the mouth
head: leans slightly forward toward the hand and the jaw moves while chewing
hands: the fingers pinch a piece of food or hold a spoon or fork and bring it to the mouth
arms: the forearm shuttles repeatedly between the lap or table and the mouth
hips: stay still, often seated
legs: stay bent under a seat or stand still
feet: stay planted on the floor
vis: the fingers pinch a small piece of food or hold a spoon, not a cup
vis: the hand stops in front of the open mouth and returns downward several times
vis: a plate, bowl or snack bag is held in the other hand or rests in front of the person
vis: the head bends down to meet the food rather than tipping back
vis: chewing follows each hand-to-mouth movement

@ brushing teeth
syn: brush teeth | cleaning teeth with a toothbrush | tooth brushing
head: stays upright facing forward with the mouth open, turning a little as the brush moves
hands: one hand holds a thin toothbrush by the handle with its head inside the mouth
arms: the forearm makes fast small back-and-forth strokes with the elbow out to the side
hips: stay still
legs: stand straight
feet: stay flat and still
vis: a slim toothbrush is held horizontally with its tip inside the mouth
vis: the hand vibrates quickly from side to side in front of the lips
vis: the elbow is raised sideways while the wrist stays at mouth height
vis: the person stands upright and only the brushing hand moves
vis: the free hand hangs down or rests on the waist

@ brushing hair
syn: combing hair | brush one's hair | grooming hair
head: tilts sideways toward the stroke and holds still against the pull of the brush
hands: one hand holds a hairbrush or comb on top of the head and draws it down through the hair
arms: the arm is raised high with the elbow above shoulder level, sweeping from crown to neck again and again
hips: stay still
legs: stand straight
feet: stay flat
vis: a hairbrush or comb is held against the top or side of the head
vis: the hand moves from the crown downward along the side of the head repeatedly
vis: the raised elbow points outward above the shoulder
vis: the free hand may hold the hair or hang at the side
vis: the person stands upright with the head slightly tilted

@ drop
syn: dropping something | letting go of an object | letting something fall
head: glances down at the floor after the object leaves the hand
hands: the hand holding a small object opens and the fingers release it
arms: the arm is held out in front at waist height and stays still as the object falls, then lowers
hips: stay still or turn slightly
legs: stand still
feet: stay planted
vis: a small object such as keys, a bag or a cup hangs from the fingers before release
vis: the fingers spread open and the object falls to the floor
vis: the hand is empty after the release
vis: the person stands upright and looks down at the dropped object

@ pickup
syn: pick up | picking something up from the floor | lift an object off the ground
head: looks down at the floor and lowers with the trunk
hands: one hand reaches to the floor, closes around an object and lifts it
arms: an arm extends downward toward the floor and then brings the object back up to the waist
hips: hinge forward and drop backward as the trunk bends
legs: the knees bend into a partial squat and straighten again
feet: stay planted, sometimes one foot steps forward
vis: the hand grasps an object lying on the floor
vis: the trunk bends deeply forward with the hand near the feet
vis: the person returns upright holding the object at waist height
vis: the knees are bent and the body is folded over the floor

@ throw
syn: throwing | tossing an object | throw something away
head: faces the target and stays steady
hands: one hand grips a small object behind the head and releases it at the end of the swing
arms: the throwing arm draws back behind the shoulder, then whips forward and extends
hips: rotate toward the target with the throw
legs: the opposite leg steps forward to brace
feet: weight shifts from the back foot to the front foot
vis: a small object such as a ball or a paper wad is held in one hand behind the head
vis: the hand opens at full arm extension in front of the body
vis: the trunk twists and leans forward after release
vis: the hand is empty after the throw
vis: the other arm swings back for balance

@ sitting down
syn: sit down | taking a seat | lowering onto a chair
head: moves forward and down, then settles upright
hands: may reach back to the seat or armrests for support
arms: extend backward or rest on the thighs as the body lowers
hips: move backward and descend until they rest on the seat
legs: the knees bend from straight to about ninety degrees
feet: stay planted in front of the chair and take the weight until seated
vis: the person lowers from standing onto a chair behind them
vis: the hands touch the armrests or seat while lowering
vis: at the end the trunk is upright and the thighs are horizontal
vis: the knees are bent and the feet rest flat in front of the seat

@ standing up (from sitting position)
syn: stand up | getting up from a chair | rising from a seat
head: moves forward over the knees, then rises upright
hands: push on the thighs, armrests or seat to help lift the body
arms: press down and then hang at the sides once standing
hips: lift off the seat and move forward and up until fully extended
legs: the knees straighten from bent to straight
feet: press into the floor and bear the whole weight
vis: the person starts seated on a chair and ends standing
vis: the hands press on the armrests or knees to push up
vis: the trunk leans forward before the hips leave the seat
vis: the final posture is upright with arms at the sides

@ clapping
syn: clap hands | applauding | applause
head: faces forward, still
hands: the palms meet in front of the chest again and again with the fingers together
arms: the forearms swing toward each other and apart in a fast rhythm with the elbows bent
hips: stay still
legs: stand straight
feet: stay planted
vis: both empty hands strike palm to palm in front of the chest
vis: the hands separate a short distance and meet again repeatedly
vis: the elbows are bent and held close to the body
vis: the person stands upright and only the forearms move

@ reading
syn: read a book | reading a magazine | looking at a book
head: bends down toward the pages and moves slightly left to right
hands: both hands hold an open book or magazine by its edges and occasionally turn a page
arms: the elbows bend and hold the book steady in front of the chest
hips: stay still
legs: stand still or stay seated
feet: stay flat
vis: an open book or magazine is held with both hands at chest height
vis: one hand lifts a page corner and turns it over
vis: the gaze is directed down at the pages
vis: the arms are still for long periods, holding the book open

@ writing
syn: write on paper | writing with a pen | taking notes
head: bends down over the paper
hands: one hand grips a pen near its tip and makes small strokes; the other hand holds the paper or notebook
arms: the writing forearm moves slowly sideways along the page with the elbow bent
hips: stay still
legs: stand still or stay seated
feet: stay flat
vis: a pen is held between thumb and fingers with its tip on paper
vis: a notebook or sheet rests on the palm of the other hand or on a surface
vis: the writing hand makes small repeated movements while the arm stays low
vis: the head is bent down looking at the page

@ tear up paper
syn: tearing paper | ripping paper | rip up a sheet
head: looks down at the paper in front of the chest
hands: both hands pinch the top edge of a sheet side by side and pull in opposite directions, then regrip the pieces
arms: the forearms twist apart, one toward the body and one away, repeating as the pieces get smaller
hips: stay still
legs: stand still
feet: stay planted
vis: a sheet of paper is held by both hands with the thumbs close together
vis: the hands move apart as the sheet splits into two pieces
vis: the torn pieces are stacked and torn again
vis: both hands work in front of the chest at the same height

@ wear jacket
syn: put on a jacket | putting on a coat | dressing in a jacket
head: turns to look at the sleeve being reached into
hands: one hand holds the collar while the other slides into a sleeve, then they pull the front closed
arms: one arm pushes backward and down into a sleeve, the other swings back to find its sleeve, then both tug the jacket onto the shoulders
hips: twist slightly with the arms
legs: stand still
feet: stay planted
vis: a jacket is held open by its collar before the arms go in
vis: an arm is pushed backward into a sleeve behind the body
vis: the hands end by pulling the front edges of the jacket together
vis: the direction is from holding the jacket to having it on the shoulders
vis: the shoulders roll as the jacket is settled

@ take off jacket
syn: remove a jacket | taking off a coat | undressing a jacket
head: stays forward, turning slightly as each arm comes out
hands: grip the collar or lapels and push the jacket off the shoulders, then pull each sleeve off the opposite arm
arms: move backward and down out of the sleeves, ending with the jacket held in one hand
hips: twist slightly
legs: stand still
feet: stay planted
vis: both hands push the jacket back off the shoulders
vis: one hand pulls a sleeve off the opposite wrist
vis: the jacket ends up hanging from one hand, off the body
vis: the direction is from worn to held, the opposite of putting it on

@ wear a shoe
syn: put on a shoe | putting on shoes | slipping a foot into a shoe
head: looks down at the foot
hands: hold the shoe open at the heel and pull it onto the foot, then may tighten the laces
arms: reach down toward the lifted foot, pulling upward and toward the body
hips: bend forward or the person sits to bring the foot within reach
legs: one knee lifts and bends so the foot comes toward the hands
feet: one foot pushes forward into the shoe and is then set down
vis: both hands hold an empty shoe open at its heel near the foot
vis: the foot slides into the shoe while the hands pull the heel up
vis: the hands move toward the body and upward along the heel
vis: the person sits or balances on one leg with the trunk bent over the raised foot

@ take off a shoe
syn: remove a shoe | taking shoes off | pull off a shoe
head: looks down at the foot
hands: grip the heel of a worn shoe and pull it away from the foot
arms: reach down to the foot and then draw the shoe outward and away
hips: bend forward or the person sits
legs: one knee lifts and bends to bring the foot up
feet: the foot pulls back out of the shoe and is set down bare or in a sock
vis: the hands grip the back of a shoe that is still on the foot
vis: the shoe moves away from the foot, ending held in the hand
vis: the pulling direction is away from the body, opposite to putting it on
vis: the person balances on one leg or sits with the foot raised

@ wear on glasses
syn: put on glasses | putting on spectacles | wear eyeglasses
head: holds still and level, tilting slightly forward to meet the frames
hands: both hands hold the glasses by the temple arms, unfold them and slide them onto the face
arms: the forearms rise from chest height up to the sides of the head
hips: stay still
legs: stand still
feet: stay planted
vis: a pair of glasses is held open in front of the face with both hands
vis: the fingertips slide the arms of the glasses over the ears
vis: the hands move toward the face and then lower, empty
vis: a final push on the bridge of the nose with one finger

@ take off glasses
syn: remove glasses | taking off spectacles | remove eyeglasses
head: holds still and may tilt slightly down as the frames come off
hands: one or both hands pinch the frames at the temples and pull them forward off the face, then fold them
arms: the forearms rise to the sides of the face and then lower holding the glasses
hips: stay still
legs: stand still
feet: stay planted
vis: the fingers grip the glasses at the temples while they are on the face
vis: the glasses move away from the eyes, ending held at chest height
vis: the direction is away from the face, opposite to putting them on
vis: the glasses are folded in the hands after removal

@ put on a hat/cap
syn: wear a hat | putting on a cap | donning a hat
head: stays level and dips slightly to meet the hat
hands: hold a cap by the brim or a hat by its edges and place it on top of the head, then adjust it
arms: lift from chest height to above the head and come back down
hips: stay still
legs: stand still
feet: stay planted
vis: a cap or hat is held in the hands in front of the body before being raised
vis: the hands lower the hat onto the top of the head
vis: the fingers pull the brim down to settle it
vis: the hands end empty, the hat on the head

@ take off a hat/cap
syn: remove a hat | taking off a cap | doffing a hat
head: dips slightly as the hat is lifted
hands: one hand grips the brim or crown of the hat on the head and lifts it off
arms: rise to the top of the head and come down holding the hat
hips: stay still
legs: stand still
feet: stay planted
vis: the hand grasps the hat while it is still on the head
vis: the hat is lifted upward and away from the head
vis: the hat ends held at waist or chest height
vis: the direction is off the head, opposite to putting it on

@ cheer up
syn: cheering | raising arms in celebration | celebrate with raised fists
head: tilts slightly back, facing up
hands: close into fists or open wide above the head
arms: both arms thrust upward quickly over the head, sometimes pumping up and down
hips: stay still or lift slightly
legs: stay straight, sometimes with a small bounce
feet: stay planted or rise onto the toes
vis: both arms are raised high above the head in a V shape
vis: the hands are fists or open palms, holding nothing
vis: the chest opens and the head lifts
vis: a quick upward burst of both arms at the same time

@ hand waving
syn: wave hand | waving hello | waving goodbye
head: faces forward toward someone
hands: one open palm faces outward and swings side to side
arms: one arm is raised with the elbow bent, the forearm swinging left and right
hips: stay still
legs: stand still
feet: stay planted
vis: one open hand is raised to head height with the palm facing out
vis: the hand moves side to side in a repeated arc
vis: the other arm hangs at the side
vis: the person stands facing forward

@ kicking something
syn: kick an object | kicking a ball | kick something on the floor
head: looks down at the object in front
hands: stay open at the sides
arms: swing slightly for balance, opposite to the kicking leg
hips: rotate and drive forward with the kick
legs: one leg swings back and then forward from the hip with the knee snapping straight
feet: the kicking foot strikes forward while the standing foot bears the weight
vis: one foot swings forward toward an object on the floor
vis: the person balances on one leg during the kick
vis: the arms open slightly to the sides for balance
vis: no other person is the target; the foot aims low at an object

@ reach into pocket
syn: put hand in pocket | search one's pocket | reach into trouser pocket
head: may glance down toward the hip
hands: one hand slides into a trouser pocket at the hip and moves inside it, then comes out
arms: the arm bends and lowers so the hand reaches the hip
hips: turn slightly to open the pocket
legs: stand still
feet: stay planted
vis: the hand disappears into a pocket at the side of the hip
vis: the fingers push down into the pocket opening
vis: the hand is drawn back out, sometimes holding a small item
vis: the elbow is bent and held close to the body

@ hopping (one foot jumping)
syn: hop on one foot | one-legged jumping | hopping in place
head: bobs up and down with the body
hands: stay loose or out to the sides
arms: swing outward for balance
hips: rise and fall with each hop
legs: one knee stays bent and lifted while the other leg pushes off repeatedly
feet: only one foot touches the ground, landing and leaving it again and again
vis: one foot is held off the ground behind or in front of the body
vis: the body bounces up and down on a single leg
vis: the arms are held slightly out for balance
vis: the lifted leg stays bent throughout

@ jump up
syn: jumping | jump in place | leap upward
head: rises and falls with the body, facing forward
hands: stay open
arms: swing down and back before takeoff, then drive upward
hips: drop into a crouch and then extend explosively
legs: both knees bend and then straighten forcefully to leave the ground
feet: both feet push off together and land together
vis: both feet leave the floor at the same time
vis: the knees bend deeply before the jump and on landing
vis: the arms swing upward during the takeoff
vis: the whole body rises vertically and comes back down in place

@ make a phone call/answer phone
syn: talk on the phone | answering a phone | phone call
head: tilts slightly toward the raised hand and stays still while talking
hands: one hand holds a phone flat against the ear
arms: the elbow bends and lifts the hand from the pocket or table to the side of the head, staying there
hips: stay still
legs: stand still
feet: stay planted
vis: a mobile phone is held against the ear, not in front of the face
vis: the elbow points outward and down while the hand stays at the cheek
vis: the hand stays at the ear for a long time
vis: the other hand hangs down or rests on the waist

@ playing with phone/tablet
syn: using a phone | texting | scrolling on a tablet
head: bends down toward the screen
hands: hold a phone or tablet at chest height while the thumbs or a finger tap and swipe the screen
arms: the forearms are held horizontally in front of the body, elbows bent and close to the trunk
hips: stay still
legs: stand still or stay seated
feet: stay flat
vis: a phone or tablet is held flat in front of the chest, screen facing the person
vis: the thumbs make small tapping and swiping movements on the screen
vis: the gaze is directed down at the device
vis: the arms stay still while only the fingers move

@ typing on a keyboard
syn: type | using a keyboard | typing on a computer
head: faces down toward the keyboard or forward toward a screen
hands: both hands rest over a keyboard with the fingers pressing keys quickly
arms: the forearms stay horizontal and still with the elbows bent at the sides
hips: stay still, usually seated
legs: stay bent under a desk
feet: rest on the floor
vis: the fingers of both hands tap on the keys of a keyboard
vis: the hands are side by side at table height
vis: the arms barely move while the fingers are active
vis: the person sits at a desk facing the keyboard

@ pointing to something with finger
syn: point at something | pointing | indicate a direction
head: turns toward the thing being pointed at
hands: the index finger extends while the other fingers curl into the palm
arms: one arm rises and straightens forward or sideways toward a target
hips: stay still
legs: stand still
feet: stay planted
vis: one arm is held straight with the index finger extended
vis: the finger points at an object, not at another person
vis: the head and gaze follow the direction of the arm
vis: the other arm hangs at the side

@ taking a selfie
syn: take a selfie | self-portrait with a phone | photograph oneself
head: faces the phone, tilting and posing, often smiling
hands: one hand holds a phone out in front of the face with the screen toward the person and a thumb taps the button
arms: one arm extends up and forward, fully straightened above eye level
hips: stay still
legs: stand still
feet: stay planted
vis: a phone is held at arm's length above and in front of the face
vis: the screen faces the person's own face
vis: the thumb presses the phone screen while the arm stays extended
vis: the head tilts toward the phone as if posing

@ check time (from watch)
syn: look at a watch | checking the time | glance at wristwatch
head: bends down toward the wrist briefly
hands: the wrist of one hand turns so the watch face looks up; the other hand may pull back the sleeve
arms: one forearm lifts to chest height and rotates inward, then lowers
hips: stay still
legs: stand still
feet: stay planted
vis: one forearm is raised horizontally in front of the chest with the back of the wrist up
vis: the gaze drops to the wrist for a moment
vis: the hand holds nothing; the watch is on the wrist
vis: the arm returns down after a short look

@ rub two hands together
syn: rubbing hands | warming hands | hand rubbing
head: faces forward or looks at the hands
hands: both palms press together and slide back and forth against each other
arms: the forearms move in small opposite strokes in front of the chest
hips: stay still
legs: stand still
feet: stay planted
vis: both hands are pressed palm to palm in front of the chest
vis: the palms slide against each other repeatedly
vis: the hands hold nothing
vis: the elbows are bent and close to the body

@ nod head/bow
syn: nodding | bow | bowing politely
head: dips forward and comes back up
hands: stay at the sides or together in front
arms: hang relaxed
hips: hinge forward for a bow and return upright
legs: stay straight
feet: stay planted
vis: the head and upper body bend forward and return upright
vis: the hands rest at the sides or clasped in front
vis: the back stays straight while the trunk tips forward
vis: no object is held

@ shake head
syn: shaking head no | head shake | refuse with the head
head: turns left and right repeatedly around the vertical axis
hands: stay still at the sides
arms: hang relaxed
hips: stay still
legs: stand still
feet: stay planted
vis: the head rotates side to side while the body stays still
vis: the hands hold nothing and hang down
vis: only the head moves
vis: the person faces forward between turns

@ wipe face
syn: wiping the face | rubbing the face | wipe sweat off the face
head: dips slightly toward the hands and holds still
hands: one or both palms, or a towel, press against the face and slide downward across it
arms: the forearms rise to face height and move down and up
hips: stay still
legs: stand still
feet: stay planted
vis: the palms or a cloth cover the face and move across it
vis: the hands travel from the forehead down to the chin
vis: the elbows point forward and down during the wipe
vis: the face is briefly hidden behind the hands

@ salute
syn: military salute | saluting | give a salute
head: held straight and upright
hands: the right hand is flat with the fingers together, the fingertips touching the brow
arms: the right arm rises with the elbow out to the side at shoulder height, holds, and snaps down
hips: stay square
legs: stand straight and together
feet: heels together, still
vis: the flat right hand touches the edge of the forehead
vis: the elbow sticks out sideways at shoulder height
vis: the body stands stiffly upright at attention
vis: the other arm hangs straight at the side

@ put the palms together
syn: palms together | prayer hands | greet with joined palms
head: faces forward and may bow slightly
hands: both palms press flat against each other with fingers pointing up
arms: the forearms come together in front of the chest, elbows out
hips: stay still
legs: stand still
feet: stay planted
vis: the palms are joined flat in front of the chest, fingers upward
vis: the hands stay still once joined, not rubbing
vis: the elbows point out to the sides
vis: the head may nod slightly over the joined hands

@ cross hands in front (say stop)
syn: cross arms in front to say stop | crossed hands stop sign | X gesture
head: faces forward
hands: open hands cross at the wrists in front of the chest or face
arms: both forearms come up and cross into an X shape in front of the body
hips: stay still
legs: stand still
feet: stay planted
vis: the forearms form an X in front of the chest
vis: the hands are open and empty
vis: the gesture is held briefly, facing forward
vis: the arms then return to the sides
"""
