"""Hand-written descriptions, UTKinect-Action3D (10 classes, names as in the dataset's label file)."""

SOURCE = r"""
@ walk
syn: walking | walk forward | stroll
head: faces the direction of travel
hands: swing loosely
arms: swing alternately with the opposite leg
hips: move forward with each step
legs: step alternately
feet: heel strike and push off in turn
vis: the person travels forward across the floor
vis: the arms swing naturally at the sides
vis: the hands are empty
vis: the trunk stays upright

@ sitDown
syn: sit down | sitting down | take a seat
head: moves forward and down, then settles
hands: may reach back to the seat
arms: move back slightly for balance
hips: move back and down onto the seat
legs: bend to about ninety degrees
feet: stay planted in front of the seat
vis: the person lowers from standing onto a chair
vis: the end posture is seated with the trunk upright
vis: the hands rest on the thighs or the seat
vis: the knees are bent with the feet flat

@ standUp
syn: stand up | standing up | rise from a chair
head: leans forward, then rises
hands: push on the thighs or seat
arms: press down, then hang at the sides
hips: lift off the seat, forward and up
legs: straighten from bent to straight
feet: press into the floor
vis: the start is seated and the end is standing
vis: the trunk leans forward before rising
vis: the hands may push off the knees
vis: the final posture is upright

@ pickUp
syn: pick up | pick something up | lift an object from the floor
head: looks down at the floor
hands: reach down and close around an object
arms: extend down to the floor and bring the object up
hips: hinge forward and back
legs: bend at the knees
feet: stay planted
vis: a hand grasps an object lying on the floor
vis: the trunk bends deeply forward
vis: the person rises holding the object
vis: the knees are bent during the reach

@ carry
syn: carrying | carry an object | walk while holding something
head: faces the direction of travel
hands: hold an object in front of the body or at the side
arms: bent and still, supporting the object instead of swinging
hips: move forward with each step
legs: walk with steady steps
feet: step alternately
vis: an object is held while walking across the floor
vis: the arms do not swing because they hold the load
vis: the person travels forward
vis: the trunk is upright, balancing the object

@ throw
syn: throwing | toss | throw an object
head: faces the target
hands: one hand holds an object and releases it
arms: the throwing arm swings back and then forward to full extension
hips: rotate toward the target
legs: the opposite leg steps forward
feet: weight shifts to the front foot
vis: a small object is held in one hand before the throw
vis: the arm extends forward and the hand opens
vis: the trunk twists with the throw
vis: the hand is empty afterward

@ push
syn: pushing | push an object away | push with both hands
head: faces forward toward the object
hands: both palms press flat against an object or surface in front
arms: bend and then extend forward against resistance
hips: lean forward behind the push
legs: one leg steps back to brace
feet: press against the floor
vis: both hands press against an object in front of the body
vis: the arms straighten as the object moves away from the body
vis: the body leans forward into the push
vis: the direction of the hands is away from the body, opposite to pulling

@ pull
syn: pulling | pull an object toward oneself | draw something closer
head: faces forward toward the object
hands: both hands grip an object or handle in front
arms: start extended and bend as they draw the object toward the chest
hips: lean back behind the pull
legs: one leg braces in front, knees bent
feet: press against the floor
vis: both hands grip an object in front of the body
vis: the arms bend as the object comes toward the body
vis: the body leans backward against the pull
vis: the direction of the hands is toward the body, opposite to pushing

@ waveHands
syn: wave hands | waving both hands | wave hello
head: faces forward
hands: open palms face forward and swing side to side
arms: one or both arms are raised with the forearms swinging from the elbow
hips: stay still
legs: stand still
feet: stay planted
vis: open hands are raised to head height, palms out
vis: the hands swing side to side repeatedly
vis: no object is held
vis: the body faces forward and stays still

@ clapHands
syn: clap hands | clapping | applaud
head: faces forward
hands: both palms strike together in front of the chest
arms: the forearms move toward and away from each other repeatedly
hips: stay still
legs: stand still
feet: stay planted
vis: both hands meet palm to palm in front of the chest
vis: the claps repeat in a steady rhythm
vis: the elbows are bent near the body
vis: the hands are empty
"""
